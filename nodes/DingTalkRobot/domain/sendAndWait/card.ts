import type { RobotMessage } from '../robotMessage';
import type { SendAndWaitConfig } from './config';

// The app robot's card templates with one button and with two side by side.
const ONE_BUTTON_TEMPLATE = 'sampleActionCard';
const TWO_BUTTON_TEMPLATE = 'sampleActionCard2';

/** The addresses the card's buttons open: signed resume URLs of the waiting execution. */
export interface ResumeUrls {
	approve: string;
	disapprove: string;
	/** The page of a free-text or form answer. */
	respond: string;
}

export interface CardButton {
	title: string;
	url: string;
}

/** The buttons of the card, in the order shown. */
export function cardButtons(config: SendAndWaitConfig, urls: ResumeUrls): CardButton[] {
	if (config.responseType !== 'approval') {
		return [{ title: config.openFormLabel, url: urls.respond }];
	}
	const approve = { title: config.approval.approveLabel, url: urls.approve };
	if (config.approval.type === 'single') return [approve];
	return [approve, { title: config.approval.disapproveLabel, url: urls.disapprove }];
}

/** The custom robot's actionCard: one button for the whole card, or two side by side. */
export function robotCard(config: SendAndWaitConfig, urls: ResumeUrls): RobotMessage {
	const buttons = cardButtons(config, urls);
	const card =
		buttons.length === 1
			? { singleTitle: buttons[0].title, singleURL: buttons[0].url }
			: {
					btnOrientation: '1',
					btns: buttons.map((button) => ({ title: button.title, actionURL: button.url })),
				};
	return {
		msgtype: 'actionCard',
		actionCard: { title: config.title, text: config.message, ...card },
	} as RobotMessage;
}

/** The app robot's template of the same card: sampleActionCard (one button) or sampleActionCard2. */
export function appRobotCard(
	config: SendAndWaitConfig,
	urls: ResumeUrls,
): { msgKey: string; params: Record<string, string> } {
	const buttons = cardButtons(config, urls);
	const base = { title: config.title, text: config.message };
	if (buttons.length === 1) {
		return {
			msgKey: ONE_BUTTON_TEMPLATE,
			params: { ...base, singleTitle: buttons[0].title, singleURL: buttons[0].url },
		};
	}
	return {
		msgKey: TWO_BUTTON_TEMPLATE,
		params: {
			...base,
			actionTitle1: buttons[0].title,
			actionURL1: buttons[0].url,
			actionTitle2: buttons[1].title,
			actionURL2: buttons[1].url,
		},
	};
}
