import { useFakeDingTalk } from '../../support/robot';
import { acceptedBody } from './wire';

const fake = useFakeDingTalk();

describe('sendFeedCard: the documented fields on the wire', () => {
	it('sendFeedCard (links[].messageURL / picURL, upper-case URL)', async () => {
		const body = await acceptedBody(fake, 'sendFeedCard', {
			links: {
				link: [
					{
						title: '时代的火车向前开1',
						messageUrl: 'https://example.com/1',
						picUrl: 'https://example.com/1.png',
					},
					{
						title: 'Second',
						messageUrl: 'https://example.com/2',
						picUrl: 'https://example.com/2.png',
					},
				],
			},
		});
		expect(body).toEqual({
			msgtype: 'feedCard',
			feedCard: {
				links: [
					{
						title: '时代的火车向前开1',
						messageURL: 'https://example.com/1',
						picURL: 'https://example.com/1.png',
					},
					{
						title: 'Second',
						messageURL: 'https://example.com/2',
						picURL: 'https://example.com/2.png',
					},
				],
			},
		});
	});
});
