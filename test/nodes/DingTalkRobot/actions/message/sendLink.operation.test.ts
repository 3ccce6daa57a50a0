import { useFakeDingTalk } from '../../support/robot';
import { acceptedBody } from './wire';

const fake = useFakeDingTalk();

describe('sendLink: the documented fields on the wire', () => {
	it('sendLink with a picture (messageUrl / picUrl, lower-case rl)', async () => {
		const body = await acceptedBody(fake, 'sendLink', {
			title: 'Release notes 2.0',
			text: 'What changed in this release',
			messageUrl: 'https://example.com/release-notes',
			picUrl: 'https://example.com/cover.png',
		});
		expect(body).toEqual({
			msgtype: 'link',
			link: {
				title: 'Release notes 2.0',
				text: 'What changed in this release',
				messageUrl: 'https://example.com/release-notes',
				picUrl: 'https://example.com/cover.png',
			},
		});
	});

	it('sendLink without a picture leaves picUrl out, and accepts a dingtalk:// client link', async () => {
		const messageUrl =
			'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com&pc_slide=false';
		const body = await acceptedBody(fake, 'sendLink', {
			title: 'Open',
			text: 'outside',
			messageUrl,
		});
		expect(body).toEqual({ msgtype: 'link', link: { title: 'Open', text: 'outside', messageUrl } });
	});
});
