/** site: the community's name and settings, the settings cache other modules build on, and /healthz. */
export { CachedSetting } from './cached-setting.ts';
export {
  COMMUNITY_BOUNDS,
  type CommunitySettings,
  CommunitySettingsStore,
  leaderboardRole,
} from './community.settings.ts';
export { SiteSettingsRepository } from './site.repository.ts';
export { type BrandImages, BrandingService } from './branding.service.ts';
export { siteRoutes } from './site.routes.ts';
export {
  contrastWithWhite,
  BRAND_IMAGE,
  DEFAULT_SETTINGS,
  type Registration,
  type SiteSettings,
  SiteSettingsService,
} from './site-settings.service.ts';
