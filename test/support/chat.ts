/** The keys of a chat answer (POST /api/chat), sorted: no workflow state. */
export const CHAT_RESPONSE_KEYS = [
  'assistant_message',
  'created_at',
  'id',
  'intent',
  'metadata',
  'user_id',
  'user_message',
];
