import { useState } from 'react';
import { setToken } from '../api/auth';
import { gql } from '../api/client';
import { LOGIN } from '../api/queries';

/**
 * Sign-in through the API's `login` mutation (account name and password). The session it returns
 * is stored; the access token is sent as `Authorization: Bearer` on every request and in the
 * graphql-ws connection_init, the refresh token renews it when it expires.
 */
export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setError(null);
    const r = await gql<{ login: { accessToken: string; refreshToken: string } }>(LOGIN, {
      name: username,
      password,
    });
    if (r.errors?.length || !r.data?.login) {
      const code = r.errors?.[0]?.extensions?.code;
      setError(
        code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT'
          ? '用户名或密码不正确'
          : (r.errors?.[0]?.message ?? '登录失败'),
      );
      return;
    }
    setToken(r.data.login.accessToken, r.data.login.refreshToken);
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
