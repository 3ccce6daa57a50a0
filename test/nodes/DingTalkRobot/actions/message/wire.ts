/** Sends one message of an operation through a signed robot and returns what the fake accepted. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { addRobot, params, send } from '../../support/robot';
import type { FakeDingTalk } from '../../../../fake-dingtalk';
import type { Operation } from '../../support/robot';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Sends one message through a signed robot and returns the body the fake accepted. */
export async function acceptedBody(
	fake: () => FakeDingTalk,
	operation: Operation,
	fields: INodeParameters,
) {
	const robot = addRobot(fake(), { secret: 'SEC-operations-secret' });
	const output = await send(robot, params(operation, fields));
	expect(fake().received).toHaveLength(1);
	const [received] = fake().received;
	expect(received).toMatchObject({ via: 'robot', token: robot.token });
	expect(output).toHaveLength(1);
	expect(output[0].json).toMatchObject({ errcode: 0, errmsg: 'ok', sentTo: 'robotWebhook' });
	// What the node reports as sent is exactly what DingTalk received.
	expect(output[0].json.message).toEqual(received.body);
	expect(received.body.msgUuid).toMatch(UUID);
	const { msgUuid, ...body } = received.body as IDataObject;
	expect(output[0].json.msgUuid).toBe(msgUuid);
	return body;
}
