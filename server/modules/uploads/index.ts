export { UploadsService, toUpload } from './uploads.service.ts';
export { uploadsRoutes } from './uploads.routes.ts';
export { LocalDiskStorage, type UploadStorage } from './storage.ts';
export { S3Storage } from './s3.storage.ts';
export { isInternalAddress } from './external-fetch.ts';
export { processImage } from './image-pipeline.ts';
export { ImageProcessor, type ImageTask } from './image-processor.ts';
export { externalImages, localizeHtml, localizeStoredPosts } from './localize.ts';
