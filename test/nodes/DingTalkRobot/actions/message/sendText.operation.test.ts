import { useFakeDingTalk } from '../../support/robot';
import { acceptedBody } from './wire';

const fake = useFakeDingTalk();

describe('sendText: the documented fields on the wire', () => {
	it('sendText', async () => {
		const body = await acceptedBody(fake, 'sendText', { content: 'Deployment finished 部署完成' });
		expect(body).toEqual({ msgtype: 'text', text: { content: 'Deployment finished 部署完成' } });
	});
});
