/** A sentence for the login screen when the console itself ended the session (kept for this tab only). */
const KEY = 'cadenza-console-login-notice';

export function setLoginNotice(text: string): void {
  sessionStorage.setItem(KEY, text);
}

export function takeLoginNotice(): string | undefined {
  const text = sessionStorage.getItem(KEY) ?? undefined;
  sessionStorage.removeItem(KEY);
  return text;
}
