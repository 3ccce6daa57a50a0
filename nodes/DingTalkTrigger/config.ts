import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { deriveEventAesKey } from '../shared/eventCrypto';
import { parseTextPattern } from '../shared/triggerFilters';

export type RobotVerification = 'signature' | 'outgoingToken';

export interface TriggerConfig {
	mode: 'robot' | 'event';
	appKey: string;
	appSecret: string;
	outgoingToken: string;
	eventToken: string;
	eventAesKey: string;
	ownerKey: string;
}

export function readConfig(
	mode: string,
	credentials: ICredentialDataDecryptedObject,
): TriggerConfig {
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	const appKey = text(credentials.appKey);
	return {
		mode: mode === 'event' ? 'event' : 'robot',
		appKey,
		appSecret: text(credentials.appSecret),
		outgoingToken: text(credentials.outgoingToken),
		eventToken: text(credentials.eventToken),
		eventAesKey: text(credentials.eventAesKey),
		ownerKey: text(credentials.ownerKey) || appKey,
	};
}

/** What is missing for the chosen mode, in words a user can act on; undefined when complete. */
export function configProblem(
	config: TriggerConfig,
	verification: RobotVerification,
	textPattern: string,
): string | undefined {
	if (config.mode === 'robot') {
		if (verification === 'signature' && !config.appSecret) {
			return 'The credential has no Client Secret (AppSecret); robot messages cannot be verified without it.';
		}
		if (verification === 'outgoingToken' && !config.outgoingToken) {
			return 'The credential has no Outgoing Token; set the token configured for the custom robot’s Outgoing.';
		}
		if (parseTextPattern(textPattern) === null) {
			return 'The Text Pattern option is not a valid regular expression.';
		}
		return undefined;
	}
	if (!config.eventToken) return 'The credential has no Event Token (签名 token).';
	if (!deriveEventAesKey(config.eventAesKey).ok) {
		return `The Event AES Key (加密 aes_key) in the credential must be exactly 43 letters and digits, as shown in the console; it has ${config.eventAesKey.length}.`;
	}
	if (!config.ownerKey) {
		return 'The credential has neither an Owner Key nor a Client ID (AppKey) to check events against.';
	}
	return undefined;
}
