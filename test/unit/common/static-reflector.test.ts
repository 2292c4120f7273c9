import 'reflect-metadata';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { StaticMetadataReflector } from '../../../src/common/static-reflector.js';

describe('StaticMetadataReflector', () => {
  class Base {
    open(): void {}
  }
  SetMetadata('public', true)(
    Base.prototype,
    'open',
    Object.getOwnPropertyDescriptor(Base.prototype, 'open')!,
  );
  @SetMetadata('limit', 5)
  class Routes extends Base {
    closed(): void {}
  }

  it('answers what Reflector answers, for keys set, unset and inherited, however often asked', () => {
    const plain = new Reflector();
    const cached = new StaticMetadataReflector();
    const cases: [string, object][] = [
      ['public', Routes.prototype.open],
      ['public', Routes.prototype.closed],
      ['limit', Routes],
      ['limit', Base],
      ['limit', Routes.prototype.closed],
    ];
    for (let round = 0; round < 3; round++)
      for (const [key, target] of cases)
        expect(cached.get(key, target as never)).toBe(plain.get(key, target as never));
    expect(cached.getAllAndOverride('public', [Routes.prototype.closed, Routes])).toBeUndefined();
    expect(cached.getAllAndOverride('limit', [Routes.prototype.closed, Routes])).toBe(5);
    expect(cached.getAllAndOverride('public', [Routes.prototype.open, Routes])).toBe(true);
  });
});
