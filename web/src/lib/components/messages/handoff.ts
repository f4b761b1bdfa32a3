/** Where the composer leaves a public post's text for the new-message page ("send it privately to the team"). */
export const TEAM_HANDOFF = 'agora.sendToTeam';
