import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthRegistry } from '../ops/health-registry.js';

/** Registers the auth database in GET /health. */
@Injectable()
export class AuthHealth implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'auth_db',
      critical: true,
      check: async () => {
        try {
          await this.db.query('SELECT 1');
          return { status: 'up', details: { driver: this.db.options.type } };
        } catch {
          return { status: 'down', details: { driver: this.db.options.type } };
        }
      },
    });
  }
}
