export { FakeDingTalk } from './server';
export type {
	Fault,
	FakeDingTalkOptions,
	FakeRobot,
	NotifiedPeople,
	RateLimitOptions,
	ReceivedMessage,
	RecordedRequest,
	SandboxAppRobotMessage,
	SandboxOptions,
	SandboxPeople,
	SandboxPerson,
} from './types';
export { dingTalkErrors, throttleErrors, type DingTalkError } from './errors';
export { FakeOpenApi } from './openApi';
export type {
	AppRobotMessage,
	FakeApp,
	FakeOpenApiOptions,
	IncomingFile,
	StoredMedia,
} from './openApi';
export type { FakeExtension } from './routing';
export { APPROVAL_PERMISSIONS, FakeWorkflow, MAX_INSTANCE_IDS_PER_PAGE } from './workflow';
export type { ApprovalEvent, FakeInstance, FakeProcess } from './workflow';
export { FakeTodo, MAX_TODO_DESCRIPTION, MAX_TODO_SUBJECT, TODO_PERMISSIONS } from './todo';
export type { FakeTodoTask } from './todo';
export { FakeRobotRecall, RECALL_FAILURES, ROBOT_SEND_PERMISSION } from './robotRecall';
export { FakeContacts, MAX_USER_PAGE_SIZE } from './contacts';
export type { FakeContactsOptions, FakeDepartment, FakeUser } from './contacts';
export { StandInDirectory, STAND_IN_DIRECTORY_PATH } from './standInDirectory';
export type { DirectoryRow } from './standInDirectory';
export {
	CARD_CREATE_AND_DELIVER_PATH,
	CARD_ERROR_CODES,
	CARD_INSTANCES_PATH,
	CARD_WRITE_PERMISSION,
	FakeCards,
} from './cards';
export type { CardClick, CardClickResult, FakeCard, FakeCardsOptions } from './cards';
export {
	CARD_STREAMING_PATH,
	CARD_STREAMING_PERMISSION,
	FAKE_AI_CARD_TEMPLATE,
	FakeAiCards,
	FLOW_STATUS,
	flowStatusHistory,
	QPS_LIMIT_CODE,
	STREAM_FINALIZED_CODE,
} from './aiCards';
export type { AiCardState, FakeAiCardsOptions, StreamingUpdate } from './aiCards';
export { FakeAnswerSource } from './answerSource';
export type { AnswerScript, ReceivedAnswerRequest } from './answerSource';
export { FAKE_MODEL, FakeChatModel } from './fakeChatModel';
export type { FakeChatModelOptions, ModelAnswer } from './fakeChatModel';
