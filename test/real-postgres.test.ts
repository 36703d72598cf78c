import { describeWithTools } from './helpers';
import { POSTGRES_TOOLS, PostgresServer } from './real-postgres';

describeWithTools(POSTGRES_TOOLS, 'throwaway PostgreSQL servers for real-tool tests', () => {
  test('start, answer SQL over the socket and over TCP with a password, and stop', async () => {
    const server = await PostgresServer.start({ superuser: 'admin', password: 'it-is-only-a-test' });
    try {
      expect(server.sql('SELECT current_user')).toBe('admin');
      expect(server.libpq()).toMatchObject({ PGHOST: '127.0.0.1', PGUSER: 'admin', PGPASSWORD: 'it-is-only-a-test' });
    } finally {
      server.stop();
    }
  });
});
