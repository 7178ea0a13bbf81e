/** A project is its group chat: one id per platform and chat, and the defaults a new one gets. */
export const projectIdOf = (platform: string, chatId: string) => `${platform}:${chatId}`;
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_POST_TIME = '09:00';
