import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

/**
 * Runs a REST request DTO's own validation rules on a value built by the chat (so a chat-made record obeys
 * exactly the ranges and enums of the REST route). Returns the instance, or the list of failing fields.
 */
export async function validateAs<T extends object>(
  cls: new () => T,
  value: object,
): Promise<{ ok: T } | { invalid: string[] }> {
  const inst = plainToInstance(cls, value);
  const errors = await validate(inst, { whitelist: true, forbidUnknownValues: false });
  if (errors.length) return { invalid: errors.map((e) => e.property) };
  return { ok: inst };
}
