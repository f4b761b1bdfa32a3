/** mail: the outbox every message goes through, its worker, the templates, and the mail pages' routes. */
export { accountMail, type AccountMailKind } from './account-mail.ts';
export { MailSettingsStore, MAIL_DEFAULTS, type MailSettings } from './mail.settings.ts';
export { Mailer, type Recipient } from './mailer.ts';
export { MailWorker, MAX_ATTEMPTS, backoffMs } from './mail.worker.ts';
export { MailOutboxRepository, type OutgoingMail } from './outbox.repository.ts';
export { logTransport, type MailTransport, smtpTransport, threadedSmtpTransport } from './transport.ts';
export { mailRoutes } from './mail.routes.ts';
export { NotificationMailer } from './notification-mailer.ts';
export { DigestJob } from './digest.job.ts';
export { newsletterRoutes } from './newsletter.routes.ts';
export { NewsletterService } from './newsletter.service.ts';
export { mailPreferencesRoutes } from './preferences.routes.ts';
export { MailHousekeeping } from './housekeeping.ts';
