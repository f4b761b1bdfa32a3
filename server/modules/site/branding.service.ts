import type { Actor } from '../../access/access.ts';
import type { SiteSettings, SiteSettingsService } from './site-settings.service.ts';

/** What makes the site's images: the uploads pipeline (sharp in its child process), kept public. */
export interface BrandImages {
  brandImage(
    actor: Actor | null,
    which: 'logo' | 'favicon',
    file: { bytes: Buffer; filename: string },
  ): Promise<string>;
}

/**
 * The site's logo and favicon (administrators): the image goes through the uploads pipeline, then becomes the
 * setting, audited like any other settings change (from what, to what). Removing one is a settings change to null.
 */
export class BrandingService {
  constructor(
    private readonly settings: SiteSettingsService,
    private readonly images: BrandImages,
  ) {}

  async set(
    actor: Actor | null,
    which: 'logo' | 'favicon',
    file: { bytes: Buffer; filename: string },
  ): Promise<SiteSettings> {
    const address = await this.images.brandImage(actor, which, file);
    return this.settings.update(actor, { [which]: address });
  }
}
