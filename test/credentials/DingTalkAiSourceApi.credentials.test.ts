import { DingTalkAiSourceApi } from '../../credentials/DingTalkAiSourceApi.credentials';
import { FakeChatModel } from '../fake-dingtalk/fakeChatModel';
import { testCredential } from './credentialTester';

describe('DingTalk AI Card Source API credential', () => {
	const KEY = 'sk-credential-test-0123456789';
	const model = new FakeChatModel({ apiKey: KEY });
	const credentialType = new DingTalkAiSourceApi();
	beforeAll(async () => {
		await model.start();
	});
	afterAll(async () => {
		await model.stop();
	});

	it('sends the key as a Bearer token: the test lists the models of an endpoint that takes it', async () => {
		const result = await testCredential(credentialType, { apiKey: KEY, url: `${model.baseUrl}/` });
		expect(result.status).toBe('OK');
		expect(result.requests[0].headers).toMatchObject({ Authorization: `Bearer ${KEY}` });
		expect(result.requests[0]).toMatchObject({ baseURL: model.baseUrl, url: '/models' });
	});

	it('fails the test for a key the endpoint refuses', async () => {
		const result = await testCredential(credentialType, {
			apiKey: 'sk-wrong-0123456789',
			url: model.baseUrl,
		});
		expect(result.status).toBe('Error');
	});
});
