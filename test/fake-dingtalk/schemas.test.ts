import { FakeDingTalk } from './index';
import { OK, postJson, sendUrl } from './testClient';

const URL_A = 'https://www.dingtalk.com/';
const PIC = 'https://img.alicdn.com/tfs/TB1NwmBEL9TBuNjy1zbXXXpepXa-2400-1218.png';

/** Valid bodies shaped like the examples in the protocol notes (§1.3). */
const valid = {
	text: {
		msgtype: 'text',
		text: { content: '我就是我, @180xxxxxx 是不一样的烟火' },
		at: { atMobiles: ['180xxxxxx'], atUserIds: ['user123'], isAtAll: false },
		msgUuid: 'm-1',
	},
	link: {
		msgtype: 'link',
		link: {
			title: '时代的火车向前开',
			text: '这个即将发布的新版本',
			messageUrl: URL_A,
			picUrl: PIC,
		},
	},
	markdown: {
		msgtype: 'markdown',
		markdown: { title: '杭州天气', text: '#### 杭州天气 @150XXXXXXXX \n> 9度' },
		at: { atMobiles: ['150XXXXXXXX'] },
	},
	actionCardSingle: {
		msgtype: 'actionCard',
		actionCard: {
			title: '打造一间咖啡厅',
			text: '![screenshot](https://e.com/a.png) \n #### 乔布斯',
			singleTitle: '阅读全文',
			singleURL: URL_A,
			btnOrientation: '0',
			hideAvatar: '1',
		},
	},
	actionCardButtons: {
		msgtype: 'actionCard',
		actionCard: {
			title: '乔布斯',
			text: '![screenshot](https://e.com/a.png)',
			btnOrientation: '1',
			btns: [
				{ title: '内容不错', actionURL: URL_A },
				{
					title: '不感兴趣',
					actionURL: 'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fe.com&pc_slide=false',
				},
			],
		},
	},
	feedCard: {
		msgtype: 'feedCard',
		feedCard: {
			links: [
				{ title: '时代的火车向前开1', messageURL: URL_A, picURL: PIC },
				{ title: '时代的火车向前开2', messageURL: 'http://e.com/2', picURL: PIC },
			],
		},
	},
};

type Json = Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
/** A copy of a valid body with `edit` applied. */
const variant = (base: Json, edit: (body: Json & Record<string, Json>) => void) => {
	const body = clone(base) as Json & Record<string, Json>;
	edit(body);
	return body;
};
const missing = (path: string) => ({ errcode: 40035, errmsg: `缺少参数 ${path}` });
const unknown = (path: string) => ({ errcode: 40035, errmsg: `未知参数 ${path}` });
const invalid = (path: string) =>
	expect.objectContaining({
		errcode: 40035,
		errmsg: expect.stringMatching(new RegExp(`^参数格式错误 ${escapeRegExp(path)}: `)),
	});
const escapeRegExp = (text: string) => text.replace(/[.[\]]/g, '\\$&');

describe('FakeDingTalk message schemas (rule 6)', () => {
	const fake = new FakeDingTalk({
		robots: [{ token: 'bot', keywords: ['never-present'] }, { token: 'open' }],
	});
	let base: string;

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	const send = (body: unknown) => postJson(sendUrl(base, 'open'), body);

	it.each(Object.entries(valid))('accepts a valid %s message', async (_label, body) => {
		expect((await send(body)).json).toEqual(OK);
		expect(fake.received).toHaveLength(1);
		expect(fake.received[0].body).toEqual(body);
	});

	it.each([
		['missing', { text: { content: 'x' } }],
		['not supported by webhooks (image)', { msgtype: 'image', image: { picURL: PIC } }],
		['wrongly cased', { msgtype: 'Text', Text: { content: 'x' } }],
		['not a string', { msgtype: 1 }],
	])('answers a msgtype that is %s with 400105', async (_label, body) => {
		expect((await send(body)).json).toEqual({ errcode: 400105, errmsg: '不支持的消息类型' });
	});

	it.each([
		// top level
		['an unknown top-level field', variant(valid.text, (b) => (b.foo = {})), unknown('foo')],
		[
			'the object of another type',
			variant(valid.text, (b) => (b.markdown = valid.markdown.markdown)),
			unknown('markdown'),
		],
		['a missing type object', { msgtype: 'text' }, missing('text')],
		['a null type object', { msgtype: 'text', text: null }, missing('text')],
		['a type object that is a string', { msgtype: 'text', text: 'hi' }, invalid('text')],
		['a numeric msgUuid', variant(valid.text, (b) => (b.msgUuid = 5 as never)), invalid('msgUuid')],
		['an empty msgUuid', variant(valid.text, (b) => (b.msgUuid = '' as never)), invalid('msgUuid')],
		// text
		['missing text.content', { msgtype: 'text', text: {} }, missing('text.content')],
		['empty text.content', { msgtype: 'text', text: { content: '' } }, missing('text.content')],
		['blank text.content', { msgtype: 'text', text: { content: '  \n' } }, missing('text.content')],
		['numeric text.content', { msgtype: 'text', text: { content: 42 } }, invalid('text.content')],
		[
			'a misspelled text.content',
			{ msgtype: 'text', text: { contents: 'x' } },
			unknown('text.contents'),
		],
		// at
		[
			'at.atMobiles as a string',
			variant(valid.text, (b) => (b.at.atMobiles = '180' as never)),
			invalid('at.atMobiles'),
		],
		[
			'a number in at.atUserIds',
			variant(valid.text, (b) => (b.at.atUserIds = [7] as never)),
			invalid('at.atUserIds[0]'),
		],
		[
			'an empty mobile in at.atMobiles',
			variant(valid.text, (b) => (b.at.atMobiles = [''] as never)),
			missing('at.atMobiles[0]'),
		],
		[
			'at.isAtAll as a string',
			variant(valid.text, (b) => (b.at.isAtAll = 'true' as never)),
			invalid('at.isAtAll'),
		],
		[
			'a misspelled at.atUserId',
			variant(valid.text, (b) => (b.at.atUserId = ['x'] as never)),
			unknown('at.atUserId'),
		],
		['at set to null', variant(valid.text, (b) => (b.at = null as never)), invalid('at')],
		['at as an array', variant(valid.text, (b) => (b.at = [] as never)), invalid('at')],
		// link
		[
			'link.messageURL (feedCard casing)',
			variant(valid.link, (b) => {
				b.link.messageURL = b.link.messageUrl;
				delete b.link.messageUrl;
			}),
			unknown('link.messageURL'),
		],
		[
			'link.picURL (feedCard casing)',
			variant(valid.link, (b) => {
				b.link.picURL = b.link.picUrl;
				delete b.link.picUrl;
			}),
			unknown('link.picURL'),
		],
		[
			'missing link.messageUrl',
			variant(valid.link, (b) => delete b.link.messageUrl),
			missing('link.messageUrl'),
		],
		['missing link.title', variant(valid.link, (b) => delete b.link.title), missing('link.title')],
		['missing link.text', variant(valid.link, (b) => delete b.link.text), missing('link.text')],
		[
			'link.messageUrl without a scheme',
			variant(valid.link, (b) => (b.link.messageUrl = 'www.dingtalk.com')),
			invalid('link.messageUrl'),
		],
		[
			'link.messageUrl with ftp://',
			variant(valid.link, (b) => (b.link.messageUrl = 'ftp://e.com/f')),
			invalid('link.messageUrl'),
		],
		[
			'link.messageUrl javascript:',
			variant(valid.link, (b) => (b.link.messageUrl = 'javascript:alert(1)')),
			invalid('link.messageUrl'),
		],
		[
			'an empty optional link.picUrl',
			variant(valid.link, (b) => (b.link.picUrl = '')),
			invalid('link.picUrl'),
		],
		[
			'a null optional link.picUrl',
			variant(valid.link, (b) => (b.link.picUrl = null as never)),
			invalid('link.picUrl'),
		],
		// markdown
		[
			'missing markdown.title',
			variant(valid.markdown, (b) => delete b.markdown.title),
			missing('markdown.title'),
		],
		[
			'empty markdown.text',
			variant(valid.markdown, (b) => (b.markdown.text = '')),
			missing('markdown.text'),
		],
		[
			'a misspelled markdown.content',
			variant(valid.markdown, (b) => (b.markdown.content = 'x')),
			unknown('markdown.content'),
		],
		// actionCard
		[
			'actionCard without any button',
			variant(valid.actionCardSingle, (b) => {
				delete b.actionCard.singleTitle;
				delete b.actionCard.singleURL;
			}),
			missing('actionCard.btns'),
		],
		[
			'actionCard singleTitle without singleURL',
			variant(valid.actionCardSingle, (b) => delete b.actionCard.singleURL),
			missing('actionCard.singleURL'),
		],
		[
			'actionCard singleURL without singleTitle',
			variant(valid.actionCardSingle, (b) => delete b.actionCard.singleTitle),
			missing('actionCard.singleTitle'),
		],
		[
			'actionCard.singleUrl (wrong casing)',
			variant(valid.actionCardSingle, (b) => {
				b.actionCard.singleUrl = URL_A;
				delete b.actionCard.singleURL;
			}),
			unknown('actionCard.singleUrl'),
		],
		[
			'actionCard with empty btns',
			variant(valid.actionCardButtons, (b) => (b.actionCard.btns = [] as never)),
			missing('actionCard.btns'),
		],
		[
			'actionCard btns as an object',
			variant(valid.actionCardButtons, (b) => (b.actionCard.btns = {} as never)),
			invalid('actionCard.btns'),
		],
		[
			'actionCard btns[1].actionUrl (wrong casing)',
			variant(
				valid.actionCardButtons,
				(b) =>
					(b.actionCard.btns = [
						{ title: 'a', actionURL: URL_A },
						{ title: 'b', actionUrl: URL_A },
					] as never),
			),
			unknown('actionCard.btns[1].actionUrl'),
		],
		[
			'actionCard btns[0] without title',
			variant(
				valid.actionCardButtons,
				(b) => (b.actionCard.btns = [{ actionURL: URL_A }] as never),
			),
			missing('actionCard.btns[0].title'),
		],
		[
			'numeric btnOrientation',
			variant(valid.actionCardButtons, (b) => (b.actionCard.btnOrientation = 0 as never)),
			invalid('actionCard.btnOrientation'),
		],
		[
			'btnOrientation "2"',
			variant(valid.actionCardButtons, (b) => (b.actionCard.btnOrientation = '2')),
			invalid('actionCard.btnOrientation'),
		],
		[
			'boolean hideAvatar',
			variant(valid.actionCardSingle, (b) => (b.actionCard.hideAvatar = true as never)),
			invalid('actionCard.hideAvatar'),
		],
		[
			'missing actionCard.text',
			variant(valid.actionCardSingle, (b) => delete b.actionCard.text),
			missing('actionCard.text'),
		],
		[
			'an invalid btns entry next to a single button',
			variant(valid.actionCardSingle, (b) => (b.actionCard.btns = [{ title: 'x' }] as never)),
			missing('actionCard.btns[0].actionURL'),
		],
		// feedCard
		[
			'feedCard links[0].messageUrl (link casing)',
			variant(
				valid.feedCard,
				(b) => (b.feedCard.links = [{ title: 't', messageUrl: URL_A, picURL: PIC }] as never),
			),
			unknown('feedCard.links[0].messageUrl'),
		],
		[
			'feedCard links[1].picUrl (link casing)',
			variant(
				valid.feedCard,
				(b) =>
					(b.feedCard.links = [
						{ title: 't', messageURL: URL_A, picURL: PIC },
						{ title: 't', messageURL: URL_A, picUrl: PIC },
					] as never),
			),
			unknown('feedCard.links[1].picUrl'),
		],
		[
			'feedCard without picURL',
			variant(
				valid.feedCard,
				(b) => (b.feedCard.links = [{ title: 't', messageURL: URL_A }] as never),
			),
			missing('feedCard.links[0].picURL'),
		],
		[
			'feedCard with no links',
			variant(valid.feedCard, (b) => (b.feedCard.links = [] as never)),
			missing('feedCard.links'),
		],
		['feedCard without links', { msgtype: 'feedCard', feedCard: {} }, missing('feedCard.links')],
		[
			'feedCard links as an object',
			variant(valid.feedCard, (b) => (b.feedCard.links = {} as never)),
			invalid('feedCard.links'),
		],
		[
			'feedCard link that is a string',
			variant(valid.feedCard, (b) => (b.feedCard.links = ['x'] as never)),
			invalid('feedCard.links[0]'),
		],
	])('rejects %s', async (_label, body, expected) => {
		const answer = await send(body);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual(expected);
		expect(fake.received).toHaveLength(0);
	});

	it('checks the msgtype before the schema', async () => {
		expect((await send({ msgtype: 'image', foo: 1 })).json.errcode).toBe(400105);
	});

	it('checks the schema before the keywords', async () => {
		const answer = await postJson(sendUrl(base, 'bot'), { msgtype: 'link', link: { title: 't' } });
		expect(answer.json).toEqual(missing('link.text'));
	});
});
