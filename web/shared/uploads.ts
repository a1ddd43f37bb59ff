// Attachments as both front ends handle them (docs/api.md, "Files"): the FILE the server
// describes, the upload with progress (XHR: fetch cannot report it), the reasons an
// upload fails, sizes for people, and the files a paste or a drop carries. Plain TS with
// no dependency, so that the widget stays small.

/** A stored file, as uploads answer and messages carry it. */
export interface FileInfo {
  id: string;
  name: string;
  size: number;
  type: string;
  kind: 'image' | 'file';
  width?: number;
  height?: number;
  /** Paths on the Juttu server holding a signed, expiring capability. */
  url: string;
  thumbnail_url?: string;
}

/** Why an upload failed, as the UI tells it. */
export type UploadProblem = 'too_large' | 'type_not_allowed' | 'failed';

export class UploadError extends Error {
  constructor(
    readonly problem: UploadProblem,
    readonly status: number,
    readonly code: string,
    /** The server's size limit in bytes, when it said it. */
    readonly maxBytes?: number,
  ) {
    super(code);
  }
}

export interface UploadRequest {
  /** The upload endpoint, absolute: .../api/v1/files */
  endpoint: string;
  authorization: string;
  file: Blob;
  name: string;
  /** The same key on a retry: the server stores the file once. */
  key: string;
  onProgress?: (fraction: number) => void;
}

/** A key for Idempotency-Key, made once per file and kept across retries. */
export function newUploadKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `u-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function problemOf(status: number, code: string): UploadProblem {
  if (status === 413 || code === 'file_too_large') return 'too_large';
  if (status === 415 || code === 'file_type_not_allowed') return 'type_not_allowed';
  return 'failed';
}

/** Sends the bytes; resolves the stored FILE, rejects with an UploadError. */
export function uploadFile(request: UploadRequest): Promise<FileInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${request.endpoint}?name=${encodeURIComponent(request.name)}`);
    xhr.setRequestHeader('Authorization', request.authorization);
    xhr.setRequestHeader('Idempotency-Key', request.key);
    const onProgress = request.onProgress;
    if (onProgress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
    }
    xhr.onerror = () => reject(new UploadError('failed', 0, 'network'));
    xhr.ontimeout = xhr.onerror;
    xhr.onload = () => {
      let body: { file?: FileInfo; error?: { code?: string; max_bytes?: number } } = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        /* not JSON: a proxy's page */
      }
      if (xhr.status === 201 && body.file && typeof body.file.id === 'string') return resolve(body.file);
      const error = body.error || {};
      const code = typeof error.code === 'string' ? error.code : `http_${xhr.status}`;
      const max = typeof error.max_bytes === 'number' ? error.max_bytes : undefined;
      reject(new UploadError(problemOf(xhr.status, code), xhr.status, code, max));
    };
    xhr.send(request.file);
  });
}

/** 1536 → "1.5 KB", in the reader's number format. */
export function humanSize(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** The files of a paste or a drop; a pasted screenshot (Chrome calls each "image.png") gets a dated name. */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return Array.from(data.files || []).map((file, index) => {
    if (file.name && file.name !== 'image.png') return file;
    const extension = (file.type.split('/')[1] || 'png').replace(/[^a-z0-9]/g, '');
    return new File([file], `screenshot-${stamp}${index ? `-${index}` : ''}.${extension}`, { type: file.type });
  });
}

/** A drag that carries files (not text or a link being moved). */
export function carriesFiles(event: DragEvent): boolean {
  return !!event.dataTransfer && Array.from(event.dataTransfer.types || []).indexOf('Files') >= 0;
}

/**
 * A server path made absolute against `base`, or null when it is not a plain http(s) URL
 * (a `javascript:` link must never reach an href).
 */
export function safeUrl(path: string | undefined, base: string): string | null {
  if (!path) return null;
  try {
    const url = new URL(path, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
