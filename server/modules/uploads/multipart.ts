import type { FastifyRequest } from 'fastify';
import { AppError, UnprocessableError } from '../../lib/errors.ts';

/**
 * The one file of a multipart request (field `file`), read into memory within `maxBytes`. Past the size: 413
 * `upload.too_large` (nothing more is read); not multipart: 415; no file: 422.
 */
export async function readOneFile(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ bytes: Buffer; filename: string }> {
  if (!request.isMultipart()) {
    throw new AppError(415, 'upload.not_multipart', 'Send the image as multipart/form-data, in a field named file.');
  }
  try {
    const part = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw new UnprocessableError('upload.missing', 'Send the image in a field named file.', { field: 'file' });
    }
    const bytes = await part.toBuffer();
    return { bytes, filename: part.filename };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(413, 'upload.too_large', `This image is larger than ${maxBytes} bytes.`, { max: maxBytes });
    }
    if (code?.startsWith('FST_') || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new UnprocessableError('upload.malformed', 'This upload could not be read.');
    }
    throw error;
  }
}
