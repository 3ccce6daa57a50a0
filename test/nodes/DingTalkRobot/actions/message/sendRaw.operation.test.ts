import { addRobot, params, send, useFakeDingTalk } from '../../support/robot';
import { acceptedBody, UUID } from './wire';

const fake = useFakeDingTalk();

describe('sendRaw: the documented fields on the wire', () => {
	it('sendRaw posts the JSON as written (plus a msgUuid)', async () => {
		const message = {
			msgtype: 'actionCard',
			actionCard: {
				title: 'Raw card',
				text: 'from JSON',
				singleTitle: 'Go',
				singleURL: 'https://example.com/go',
			},
		};
		const body = await acceptedBody(fake, 'sendRaw', {
			jsonMessage: JSON.stringify(message, null, 2),
		});
		expect(body).toEqual(message);
	});

	it('sendRaw takes an object from an expression', async () => {
		const robot = addRobot(fake());
		const message = { msgtype: 'markdown', markdown: { title: 'T', text: 'from an expression' } };
		await send(robot, params('sendRaw', { jsonMessage: '={{ $json.message }}' }), {
			items: [{ message }],
		});
		const { msgUuid, ...body } = fake().received[0].body;
		expect(msgUuid).toMatch(UUID);
		expect(body).toEqual(message);
	});
});
