/**
 * @module mailer
 * The mail port of the auth service (recovery messages) and its default implementation.
 *
 * `LogMailer` delivers nothing: it writes each message — recipient, subject and the whole text, including the
 * recovery link and one-time code — to the server log at `info`, like Supabase's local development inbox, so
 * password recovery works on an offline or development install. That is the one place the auth service logs
 * secret-like material, on purpose: whoever reads the server log can take over an account whose recovery was
 * requested. Production installs pass a real `Mailer` (`AuthServiceOptions.mailer`).
 */
import type { AuthLogger } from './auth-logger.ts';

/** One plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail. `send` resolves once the message is handed over (queued or delivered); it rejects when it could
 * not be. The auth service calls it without making the HTTP answer wait, and logs a rejection.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Writes messages to the log instead of sending them (see the module note). */
export class LogMailer implements Mailer {
  constructor(private readonly log: AuthLogger) {}

  async send(message: MailMessage): Promise<void> {
    this.log.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, 'mail not sent (LogMailer): the message is this log entry');
  }
}
