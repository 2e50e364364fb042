/** Log in or sign up with email and password; refusals are shown in words next to the form. */
import { useState } from 'preact/hooks';
import type { Auth } from './auth-client.ts';
import { authErrorText } from './auth-client.ts';
import type { PageConfig } from '../page-config.ts';
import { Logo } from '../ui/logo.tsx';
import { takeLoginNotice } from './login-notice.ts';

type Mode = 'login' | 'signup';

export function LoginScreen({ auth, config }: { auth: Auth; config: PageConfig }) {
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string | undefined>(takeLoginNotice);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      if (mode === 'login') {
        const { error: err } = await auth.signInWithPassword({ email, password });
        if (err) setError(authErrorText(err));
      } else {
        const { data, error: err } = await auth.signUp({ email, password });
        if (err) setError(authErrorText(err));
        else if (!data.session) setNotice('Check your inbox: confirm your email address, then log in.');
      }
    } catch (err) {
      setError(authErrorText(err));
    } finally {
      setBusy(false);
    }
  };

  const other: Mode = mode === 'login' ? 'signup' : 'login';
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <Logo />
        <h1 id="login-title">{mode === 'login' ? 'Log in to Cadenza' : 'Create your Cadenza account'}</h1>
        <label>
          Email
          <input type="email" name="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoFocus />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {notice && (
          <p class="form-notice" role="status">
            {notice}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !email || !password}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
        <p class="login-switch">
          {mode === 'login' ? 'New here?' : 'Already have an account?'}{' '}
          <button type="button" class="link" onClick={() => { setMode(other); setError(undefined); setNotice(undefined); }}>
            {other === 'signup' ? 'Create an account' : 'Log in instead'}
          </button>
        </p>
        <p class="login-foot">
          {config.auth.external
            ? 'Signs in with your organisation’s Supabase project.'
            : `Paper trading on a simulated market${config.demoEmail ? ` — try the demo user, ${config.demoEmail}` : ''}.`}
        </p>
      </form>
    </main>
  );
}
