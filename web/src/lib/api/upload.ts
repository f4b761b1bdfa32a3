import { ApiError } from './client.ts';

/**
 * One file sent as multipart/form-data (field `file`) with its progress: fetch cannot report an upload's progress,
 * XMLHttpRequest can. Same-origin, so the session cookie and the Origin header go with it; a non-2xx answer becomes
 * an ApiError like every other call's.
 */
export function sendFile<T>(url: string, file: Blob, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { error?: { code: string; message: string; details?: unknown } } | null;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      reject(
        new ApiError(
          xhr.status,
          body?.error?.code ?? `http.${xhr.status}`,
          body?.error?.message ?? xhr.statusText,
          body?.error?.details,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The server cannot be reached.'));
    const form = new FormData();
    form.append('file', file, file instanceof File ? file.name : 'image');
    xhr.send(form);
  });
}
