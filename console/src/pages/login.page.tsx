import { useState } from 'react';
import { setToken } from '../api/auth';
import { gql } from '../api/client';
import { bindArgs, rootField, scalarSelection, useFeatures } from '../api/features';

/**
 * Sign-in through the API's `login` mutation. The token it returns is stored and sent as
 * `Authorization: Bearer` on every request and in the graphql-ws connection_init.
 */
export function LoginPage() {
  const f = useFeatures();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const field = rootField(f, 'Mutation.login');

  const submit = async () => {
    setError(null);
    const b = field
      ? bindArgs(f, field, [
          { value: username, pattern: /user|name|account|login/i },
          { value: password, pattern: /pass/i },
        ])
      : {
          defs: '($username: String!, $password: String!)',
          args: '(username: $username, password: $password)',
          variables: { username, password },
        };
    const isScalar = field && (field.kind === 'SCALAR' || field.type === 'String');
    const sel = isScalar
      ? ''
      : `{ ${field ? scalarSelection(f, field.type, ['accessToken']) : 'accessToken'} }`;
    const r = await gql<{ login: string | Record<string, unknown> }>(
      `mutation ${b.defs} { login${b.args} ${sel} }`,
      b.variables,
    );
    if (r.errors?.length) {
      setError(
        r.errors[0].extensions?.code === 'UNAUTHENTICATED' ? '用户名或密码不正确' : r.errors[0].message,
      );
      return;
    }
    const v = r.data?.login;
    const token =
      typeof v === 'string'
        ? v
        : (Object.entries(v ?? {}).find(([k, x]) => /access.*token/i.test(k) && typeof x === 'string')?.[1] ??
          Object.entries(v ?? {}).find(
            ([k, x]) => /token/i.test(k) && !/refresh/i.test(k) && typeof x === 'string',
          )?.[1]);
    if (typeof token !== 'string') {
      setError('服务器没有返回访问令牌');
      return;
    }
    setToken(token);
    // Reload the page that asked for sign-in, so every connection starts again with the token.
    window.location.assign(window.location.pathname.startsWith('/login') ? '/' : window.location.href);
  };

  return (
    <div className="page login-page">
      <form
        className="panel login"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>一表 · 登录</h1>
        <label>
          用户名
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            name="username"
          />
        </label>
        <label>
          密码
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            name="password"
          />
        </label>
        {error && <div className="error">{error}</div>}
        <button type="submit">登录</button>
      </form>
    </div>
  );
}
