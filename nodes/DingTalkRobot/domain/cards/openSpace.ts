/**
 * Where a card goes (openSpaceId): a group, or one person's 1:1 chat with the robot. DingTalk
 * names the 1:1 space IM_ROBOT, not ONE_BOX.
 */
export type CardSpace =
	| { type: 'IM_GROUP'; openConversationId: string }
	| { type: 'IM_ROBOT'; userId: string };

export function openSpaceIdOf(space: CardSpace): string {
	return space.type === 'IM_GROUP'
		? `dtv1.card//IM_GROUP.${space.openConversationId}`
		: `dtv1.card//IM_ROBOT.${space.userId}`;
}
