import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** bcrypt only reads 72 bytes; truncate explicitly (as the original did) so behaviour is the same everywhere. */
function bytes72(password: string): Buffer {
  const b = Buffer.from(password, 'utf8');
  return b.length > 72 ? b.subarray(0, 72) : b;
}

/**
 * Password hashing with the async bcrypt API: hashing runs on libuv's thread pool, never on the event loop
 * (cost 12 ≈ 220 ms of CPU here).
 */
@Injectable()
export class PasswordService {
  private dummyHash: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(bytes72(password), this.config.bcryptCost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(bytes72(password), hash);
  }

  /** Spends the same time as a real check, so an unknown email is indistinguishable from a wrong password. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('podd-timing-equaliser', this.config.bcryptCost);
    await bcrypt.compare(bytes72(password), await this.dummyHash);
    return false;
  }
}
