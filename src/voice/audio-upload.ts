import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode, validationError } from '../common/errors.js';

export interface AudioUpload {
  data: Buffer;
  filename: string;
  mimetype: string;
}

/** Audio types Sarvam accepts (WAV, MP3, M4A/AAC, OGG/Opus, FLAC, WebM, raw PCM); octet-stream is let through. */
const AUDIO_TYPE = /^(?:audio\/[a-z0-9.+-]+|video\/webm|application\/octet-stream)$/i;

const unsupported = (detail: string): AppError => new AppError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail);

/** The multipart parser's own errors (no boundary, truncated body…) are the client's fault: 400, never 500. */
const malformed = (e: unknown): unknown =>
  e instanceof AppError || (e as { statusCode?: number }).statusCode
    ? e
    : new AppError(400, ErrorCode.BAD_REQUEST, 'Malformed multipart/form-data body');

/**
 * Reads the multipart `file` field of a voice request into memory, enforcing UPLOAD_LIMIT_BYTES
 * (413 above it), multipart/form-data (415 otherwise) and an audio content type (415 otherwise).
 */
export async function readAudioUpload(req: FastifyRequest, limitBytes: number): Promise<AudioUpload> {
  if (!req.isMultipart())
    throw unsupported('Expected multipart/form-data with an audio file in the "file" field');
  const declared = Number(req.headers['content-length'] ?? 0);
  // Reject at once a body that cannot fit (the multipart framing adds well under 64 KiB).
  if (declared > limitBytes + 64 * 1024) {
    throw new AppError(
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      `Audio is larger than the limit of ${limitBytes} bytes`,
    );
  }
  let part: MultipartFile | undefined;
  try {
    part = await req.file({ limits: { fileSize: limitBytes, files: 1 } });
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
      throw unsupported('Expected multipart/form-data');
    throw malformed(e);
  }
  if (!part || part.fieldname !== 'file')
    throw validationError(['body', 'file'], 'Field required', 'missing');
  if (!AUDIO_TYPE.test(part.mimetype)) {
    part.file.resume();
    throw unsupported(
      `Unsupported audio type "${part.mimetype}"; send WAV, MP3, M4A, OGG, FLAC or WebM audio`,
    );
  }
  let data: Buffer;
  try {
    data = await part.toBuffer();
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        `Audio is larger than the limit of ${limitBytes} bytes`,
      );
    }
    throw malformed(e);
  }
  if (data.length === 0) throw new AppError(400, ErrorCode.BAD_REQUEST, 'The audio file is empty');
  return { data, filename: part.filename || 'audio', mimetype: part.mimetype };
}

/** Seconds of audio in a PCM WAV (from its header), or null for other formats. */
export function wavDuration(buf: Buffer): number | null {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    return null;
  let pos = 12;
  let byteRate = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ' && pos + 16 <= buf.length) byteRate = buf.readUInt32LE(pos + 16);
    if (id === 'data') {
      const bytes = Math.min(size, buf.length - pos - 8);
      return byteRate > 0 ? Math.round((bytes / byteRate) * 100) / 100 : null;
    }
    pos += 8 + size + (size % 2);
  }
  return null;
}
