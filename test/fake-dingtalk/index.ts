export { FakeDingTalk } from './server';
export type {
	Fault,
	FakeDingTalkOptions,
	FakeRobot,
	NotifiedPeople,
	RateLimitOptions,
	ReceivedMessage,
	RecordedRequest,
} from './types';
export { dingTalkErrors, throttleErrors, type DingTalkError } from './errors';
