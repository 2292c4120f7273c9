import { Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * Nest's Reflector with each lookup remembered, for the global authentication guard. Route metadata
 * (`@Public()`) is written by decorators when the classes are defined and never changes afterwards, but a
 * guard asking `Reflect.getMetadata` for it on every request walks prototype chains each time.
 */
@Injectable()
export class StaticMetadataReflector extends Reflector {
  private readonly memo = new WeakMap<object, Map<unknown, unknown>>();

  // `any`, as Reflector's own signature: the caller names the metadata's type.
  override get(metadataKey: unknown, target: Type | Function): any {
    let perTarget = this.memo.get(target);
    if (!perTarget) this.memo.set(target, (perTarget = new Map()));
    if (perTarget.has(metadataKey)) return perTarget.get(metadataKey);
    const value: unknown = super.get(metadataKey, target);
    perTarget.set(metadataKey, value);
    return value;
  }
}
