import { useFakeDingTalk } from '../../support/robot';
import { acceptedBody } from './wire';

const fake = useFakeDingTalk();

describe('sendActionCard: the documented fields on the wire', () => {
	it('sendActionCard with a single button, horizontal, avatar hidden', async () => {
		const body = await acceptedBody(fake, 'sendActionCard', {
			title: 'Approve the release?',
			text: '![screenshot](https://example.com/s.png)\n#### Release 2.0',
			buttonMode: 'single',
			singleTitle: 'Read more',
			singleUrl: 'https://example.com/release',
			btnOrientation: '1',
			hideAvatar: true,
		});
		expect(body).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'Approve the release?',
				text: '![screenshot](https://example.com/s.png)\n#### Release 2.0',
				singleTitle: 'Read more',
				singleURL: 'https://example.com/release',
				btnOrientation: '1',
				hideAvatar: '1',
			},
		});
	});

	it('sendActionCard with several buttons (btns[].actionURL), vertical, avatar shown', async () => {
		const body = await acceptedBody(fake, 'sendActionCard', {
			title: 'Coffee shop',
			text: 'Do you like it?',
			buttonMode: 'multiple',
			buttons: {
				button: [
					{ title: '内容不错', url: 'https://example.com/yes' },
					{ title: '不感兴趣', url: 'https://example.com/no' },
				],
			},
			btnOrientation: '0',
			hideAvatar: false,
		});
		expect(body).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'Coffee shop',
				text: 'Do you like it?',
				btns: [
					{ title: '内容不错', actionURL: 'https://example.com/yes' },
					{ title: '不感兴趣', actionURL: 'https://example.com/no' },
				],
				btnOrientation: '0',
				hideAvatar: '0',
			},
		});
	});
});
