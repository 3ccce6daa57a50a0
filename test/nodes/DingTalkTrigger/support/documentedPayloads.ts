/**
 * Payloads from DingTalk's documentation (protocol notes §2.1 and §4.1, sample IDs) and the
 * items the trigger must make of them, written out by hand.
 */

/** The item of the documented text message, sampleRobotBody() in requests.ts. */
export const DOCUMENTED_TEXT_ITEM = {
	messageId: 'msgrK2xxxxU+riw==',
	messageType: 'text',
	text: '/deploy prod',
	createdAt: 1708327204136,
	sender: {
		nick: '小钉',
		staffId: '0147xxxx8602',
		id: '$:LWCP_v1:$v1xxxxBv1MhAv9',
		unionId: '',
		corpId: 'ding9733d095xxxxxxx6cb783455b',
		platform: 'Mac',
		isAdmin: true,
	},
	conversation: { id: 'cid6EUxxxxsg==', type: 'group', title: '测试群' },
	robotCode: 'dingoxxxxdm3k',
	chatbotUserId: '$:LWCP_xxxxr5',
	atUsers: [{ dingtalkId: '$:LWCP_v1:$abc', staffId: '0147xxxx8602' }],
	isInAtList: true,
	sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=66d7c695a9xxxxdeb885',
	sessionWebhookExpiresAt: 1708332604316,
	downloadCodes: [],
};

/** The user_add_org push, current flat shape. */
export const USER_ADD_ORG = {
	EventType: 'user_add_org',
	EventTime: 1663143335567,
	CorpId: 'ding9f50b15bxxxx16741',
	BizId: '1663xx35567',
	eventId: 'c7c7120f2c07419xxebdba0318c8',
	timeStamp: '1685501863357',
	userId: ['015xxxx227'],
};

export const USER_ADD_ORG_ITEM = {
	eventType: 'user_add_org',
	eventId: 'c7c7120f2c07419xxebdba0318c8',
	eventTime: 1663143335567,
	corpId: 'ding9f50b15bxxxx16741',
	bizId: '1663xx35567',
	data: { timeStamp: '1685501863357', userId: ['015xxxx227'] },
};

/** The user_add_org push, legacy capitalised shape. */
export const LEGACY_USER_ADD_ORG = {
	EventType: 'user_add_org',
	TimeStamp: 43535463645,
	UserId: ['user1', 'user2'],
	CorpId: 'dinge8a565xxxx',
};

export const LEGACY_USER_ADD_ORG_ITEM = {
	eventType: 'user_add_org',
	eventId: '',
	eventTime: 43535463645,
	corpId: 'dinge8a565xxxx',
	bizId: '',
	data: { timeStamp: 43535463645, userId: ['user1', 'user2'] },
};
