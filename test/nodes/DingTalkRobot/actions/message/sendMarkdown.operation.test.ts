import { useFakeDingTalk } from '../../support/robot';
import { acceptedBody } from './wire';

const fake = useFakeDingTalk();

describe('sendMarkdown: the documented fields on the wire', () => {
	it('sendMarkdown', async () => {
		const text = '#### Build failed\n> [Open the log](https://ci.example.com/42)\n- **step** lint';
		const body = await acceptedBody(fake, 'sendMarkdown', { title: 'Build #42 failed', text });
		expect(body).toEqual({ msgtype: 'markdown', markdown: { title: 'Build #42 failed', text } });
	});
});
