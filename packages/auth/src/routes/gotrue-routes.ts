/**
 * @module routes/gotrue-routes
 * The Supabase-compatible surface under `/auth/v1` (what `@supabase/supabase-js` and `@supabase/auth-js` call):
 * `POST /signup`, `POST /token?grant_type=password|refresh_token`, `GET|PUT /user`, `GET /reauthenticate`, `POST /logout?scope=`,
 * `POST /recover`, `POST|GET /verify` (recovery code or token; GET is the mailed link), `GET /settings`,
 * `GET /health`, `GET /.well-known/jwks.json` (+ `openid-configuration`); anything else is 404 in GoTrue's error shape. Public endpoints ignore `Authorization` (it is the anon key, an `sb_` key or a stale user token).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthFlows } from '../auth-flows.ts';
import type { AuthLogger } from '../auth-logger.ts';
import { AuthError } from '../errors.ts';
import { gotrueErrorResponse } from './gotrue-errors.ts';
import { gotrueSession, gotrueUser } from './gotrue-json.ts';
import { bearerToken, clientInfo, MAX_BODY_BYTES, readJsonObject, type TrustProxy } from './request.ts';

export interface GotrueRoutesOptions {
  flows: AuthFlows;
  jwks: () => { keys: unknown[] };
  /** The `iss` of issued tokens (also the OpenID discovery issuer). */
  issuer: string;
  log: AuthLogger;
  trustProxy: TrustProxy;
  signUpEnabled: boolean;
  version: string;
  /** When set, every request but the JWKS, discovery, health and verify needs one of these as `apikey` (header or query). */
  apiKeys: string[] | undefined;
}

/** GoTrue's OAuth-style `error` of a refused verify link, by HTTP status. */
const OAUTH_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
  503: 'temporarily_unavailable',
};

/** The `/auth/v1` routes (paths include the prefix). */
export function gotrueRoutes(options: GotrueRoutesOptions): Hono {
  const { flows, trustProxy } = options;
  const app = new Hono().basePath('/auth/v1');
  app.onError((err, c) => gotrueErrorResponse(c, err, options.log));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AuthError('requestTooLarge');
      },
    }),
  );

  const apiKeys = options.apiKeys;
  if (apiKeys && apiKeys.length > 0) {
    // Hosted Supabase's API gateway answers this way (not in GoTrue's error shape) before GoTrue sees the request.
    app.use('*', async (c, next) => {
      // `/verify` stays open as behind Supabase's gateway: the mailed link is opened without a key.
      const open = c.req.path.startsWith('/auth/v1/.well-known/') || c.req.path === '/auth/v1/health' || c.req.path === '/auth/v1/verify';
      if (c.req.method === 'OPTIONS' || open) return next();
      const key = c.req.header('apikey') ?? c.req.query('apikey');
      if (key === undefined || key === '') {
        return c.json({ message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' }, 401);
      }
      if (!apiKeys.includes(key)) return c.json({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }, 401);
      return next();
    });
  }

  app.get('/health', (c) => c.json({ version: options.version, name: 'GoTrue', description: 'Cadenza built-in auth (GoTrue-compatible)' }));

  app.get('/settings', (c) =>
    c.json({
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: !options.signUpEnabled,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
      anonymous_users: false,
    }),
  );

  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=600');
    return c.json(options.jwks());
  });

  app.get('/.well-known/openid-configuration', (c) => {
    c.header('Cache-Control', 'public, max-age=600');
    return c.json({
      issuer: options.issuer,
      jwks_uri: `${options.issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256', 'HS256'],
      subject_types_supported: ['public'],
      response_types_supported: ['token'],
    });
  });

  app.post('/signup', async (c) => {
    const body = await readJsonObject(c);
    const view = await flows.signUp({ email: body.email, password: body.password, data: body.data }, clientInfo(c, trustProxy));
    return c.json(gotrueSession(view));
  });

  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    const body = await readJsonObject(c);
    const client = clientInfo(c, trustProxy);
    if (grant === 'password') {
      return c.json(gotrueSession(await flows.signInWithPassword({ email: body.email, phone: body.phone, password: body.password }, client)));
    }
    if (grant === 'refresh_token') return c.json(gotrueSession(await flows.refresh(body.refresh_token, client)));
    throw new AuthError('unsupportedGrantType');
  });

  app.get('/user', async (c) => c.json(gotrueUser(await flows.getUser(bearerToken(c)))));

  app.put('/user', async (c) => {
    const body = await readJsonObject(c);
    const view = await flows.updateUser(
      bearerToken(c),
      {
        email: body.email,
        password: body.password,
        data: body.data,
        app_metadata: body.app_metadata,
        phone: body.phone,
        currentPassword: body.current_password,
        nonce: body.nonce,
      },
      clientInfo(c, trustProxy),
    );
    return c.json(gotrueUser(view));
  });

  app.get('/reauthenticate', async (c) => {
    await flows.reauthenticate(bearerToken(c));
    return c.json({});
  });

  app.post('/logout', async (c) => {
    await flows.logout(bearerToken(c), c.req.query('scope'));
    return c.body(null, 204);
  });

  app.post('/recover', async (c) => {
    const body = await readJsonObject(c);
    await flows.recover({ email: body.email, redirectTo: c.req.query('redirect_to'), codeChallenge: body.code_challenge }, clientInfo(c, trustProxy));
    return c.json({});
  });

  app.post('/verify', async (c) => {
    const body = await readJsonObject(c);
    const view = await flows.verify(
      { type: body.type, token: body.token, tokenHash: body.token_hash, email: body.email, phone: body.phone, redirectTo: body.redirect_to },
      clientInfo(c, trustProxy),
    );
    return c.json(gotrueSession(view));
  });

  // The mailed link. Like GoTrue: a rate-limited or malformed request is a JSON error; otherwise 303 to the
  // allowed redirect with the session (or the refusal) in the fragment, which never reaches a server.
  app.get('/verify', async (c) => {
    const query = { type: c.req.query('type'), token: c.req.query('token') };
    const client = clientInfo(c, trustProxy);
    flows.checkVerifyLink(query, client);
    const target = new URL(flows.redirectTarget(c.req.query('redirect_to')));
    let fragment: Record<string, string>;
    try {
      const { issued } = await flows.redeemVerifyLink(query, client);
      fragment = {
        access_token: issued.accessToken,
        expires_at: String(issued.expiresAt),
        expires_in: String(issued.expiresIn),
        refresh_token: issued.refreshToken,
        token_type: 'bearer',
        type: String(query.type),
      };
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      fragment = {
        ...(OAUTH_ERRORS[err.status] ? { error: OAUTH_ERRORS[err.status]! } : {}),
        error_code: err.code,
        error_description: err.message,
      };
    }
    target.hash = new URLSearchParams(fragment).toString();
    c.header('Cache-Control', 'no-store');
    return c.redirect(target.href, 303);
  });

  app.all('/*', () => {
    throw new AuthError('notFound');
  });
  return app;
}
