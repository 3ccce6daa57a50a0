/**
 * Runs after every test file (jest `setupFilesAfterEnv`): closes what n8n-core opens for a real
 * ExecuteContext, so jest exits on its own instead of being forced to. n8n-core's SSH client
 * manager starts a cleanup interval when it is first created and clears it only on shutdown.
 */
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

afterAll(() => {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
