/**
 * @module routes/rest-routes
 * The Cadenza REST auth routes of the contract (`/api/v3/auth/*`), backed by the same flows as `/auth/v1`:
 * `POST signup {email, password, metadata?}`, `POST login {email, password}`, `POST token/refresh {refreshToken}`
 * → `AuthSession`; `POST logout` (bearer, optional `?scope=`) and `POST recover {email}` → a message string;
 * `GET|PUT user` → `AuthUser`. Every answer is a `BaseResponse` envelope.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthFlows } from '../auth-flows.ts';
import type { AuthLogger } from '../auth-logger.ts';
import { AuthError } from '../errors.ts';
import { restErrorResponse } from './rest-errors.ts';
import { ok, restSession, restUser } from './rest-json.ts';
import { bearerToken, clientInfo, MAX_BODY_BYTES, readJsonObject, type TrustProxy } from './request.ts';

export interface RestRoutesOptions {
  flows: AuthFlows;
  log: AuthLogger;
  trustProxy: TrustProxy;
}

/** The `/api/v3/auth` routes (paths include the prefix). */
export function restRoutes(options: RestRoutesOptions): Hono {
  const { flows, trustProxy } = options;
  const app = new Hono().basePath('/api/v3/auth');
  app.onError((err, c) => restErrorResponse(c, err, options.log));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AuthError('requestTooLarge');
      },
    }),
  );

  app.post('/signup', async (c) => {
    const body = await readJsonObject(c);
    const view = await flows.signUp({ email: body.email, password: body.password, data: body.metadata }, clientInfo(c, trustProxy));
    return c.json(ok(restSession(view)));
  });

  app.post('/login', async (c) => {
    const body = await readJsonObject(c);
    return c.json(ok(restSession(await flows.signInWithPassword({ email: body.email, password: body.password }, clientInfo(c, trustProxy)))));
  });

  app.post('/token/refresh', async (c) => {
    const body = await readJsonObject(c);
    return c.json(ok(restSession(await flows.refresh(body.refreshToken, clientInfo(c, trustProxy)))));
  });

  app.post('/logout', async (c) => {
    await flows.logout(bearerToken(c), c.req.query('scope'));
    return c.json(ok('Successfully logged out'));
  });

  app.get('/user', async (c) => c.json(ok(restUser(await flows.getUser(bearerToken(c))))));

  app.put('/user', async (c) => {
    const body = await readJsonObject(c);
    const view = await flows.updateUser(
      bearerToken(c),
      { email: body.email, password: body.password, data: body.metadata, currentPassword: body.currentPassword, nonce: body.nonce },
      clientInfo(c, trustProxy),
    );
    return c.json(ok(restUser(view)));
  });

  app.post('/recover', async (c) => {
    const body = await readJsonObject(c);
    await flows.recover({ email: body.email, redirectTo: c.req.query('redirect_to') ?? body.redirectTo }, clientInfo(c, trustProxy));
    return c.json(ok('If the email is registered, recovery instructions have been issued'));
  });

  app.all('/*', () => {
    throw new AuthError('notFound');
  });
  return app;
}
