export interface CaptchaVerifier {
  /**
   * True when the ticket was issued to this user IP, has not been used, and comes from the
   * captcha of this level or a harder one (a harder one satisfies an easier demand).
   */
  verify(ticket: string, userIp: string, level: 'standard' | 'hard'): Promise<boolean>;
}
