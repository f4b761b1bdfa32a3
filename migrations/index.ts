import type { Migration } from 'kysely';
import * as m0001 from './0001_core.ts';
import * as m0002 from './0002_thread_version.ts';
import * as m0003 from './0003_netiquette_moderation.ts';
import * as m0004 from './0004_sanctions.ts';
import * as m0005 from './0005_reputation.ts';
import * as m0006 from './0006_search.ts';
import * as m0007 from './0007_search_scale.ts';
import * as m0008 from './0008_search_outbox.ts';
import * as m0009 from './0009_live.ts';
import * as m0010 from './0010_ideas.ts';
import * as m0011 from './0011_health.ts';
import * as m0012 from './0012_member_anonymise.ts';
import * as m0013 from './0013_buzz_alerts.ts';
import * as m0014 from './0014_announcements.ts';
import * as m0015 from './0015_topic_templates.ts';
import * as m0016 from './0016_bug_reports.ts';
import * as m0017 from './0017_global_pins.ts';
import * as m0018 from './0018_post_sentiment.ts';
import * as m0019 from './0019_category_counts.ts';
import * as m0020 from './0020_reply_cap_index.ts';
import * as m0021 from './0021_last_refusal.ts';
import * as m0022 from './0022_rate_limits.ts';
import * as m0023 from './0023_username_skeleton.ts';
import * as m0024 from './0024_mail.ts';
import * as m0026 from './0026_newsletters.ts';
import * as m0028 from './0028_post_language.ts';
import * as m0029 from './0029_category_permissions.ts';
import * as m0030 from './0030_identities.ts';
import * as m0031 from './0031_uploads.ts';
import * as m0032 from './0032_tracking.ts';
import * as m0033 from './0033_conversations.ts';
import * as m0034 from './0034_polls_tags.ts';
import * as m0036 from './0036_branding.ts';
import * as m0037 from './0037_category_visibility.ts';
import * as m0039 from './0039_session_notify.ts';
import * as m0040 from './0040_conversation_report_settled.ts';
import * as m0041 from './0041_hot_path_indexes.ts';
import * as m0042 from './0042_page_notify.ts';
import * as m0043 from './0043_member_page_notify.ts';
import * as m0044 from './0044_layer_notify.ts';

/**
 * Every migration, in order. Listed statically (not read from the folder at run time) so that they load the
 * same under tsx, vitest and a bundler; tests/unit/migrations.test.ts checks this list against the folder.
 */
export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_thread_version': m0002,
  '0003_netiquette_moderation': m0003,
  '0004_sanctions': m0004,
  '0005_reputation': m0005,
  '0006_search': m0006,
  '0007_search_scale': m0007,
  '0008_search_outbox': m0008,
  '0009_live': m0009,
  '0010_ideas': m0010,
  '0011_health': m0011,
  '0012_member_anonymise': m0012,
  '0013_buzz_alerts': m0013,
  '0014_announcements': m0014,
  '0015_topic_templates': m0015,
  '0016_bug_reports': m0016,
  '0017_global_pins': m0017,
  '0018_post_sentiment': m0018,
  '0019_category_counts': m0019,
  '0020_reply_cap_index': m0020,
  '0021_last_refusal': m0021,
  '0022_rate_limits': m0022,
  '0023_username_skeleton': m0023,
  '0024_mail': m0024,
  '0026_newsletters': m0026,
  '0028_post_language': m0028,
  '0029_category_permissions': m0029,
  '0030_identities': m0030,
  '0031_uploads': m0031,
  '0032_tracking': m0032,
  '0033_conversations': m0033,
  '0034_polls_tags': m0034,
  '0036_branding': m0036,
  '0037_category_visibility': m0037,
  '0039_session_notify': m0039,
  '0040_conversation_report_settled': m0040,
  '0041_hot_path_indexes': m0041,
  '0042_page_notify': m0042,
  '0043_member_page_notify': m0043,
  '0044_layer_notify': m0044,
};
