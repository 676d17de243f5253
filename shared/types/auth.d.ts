declare module '#auth-utils' {
  interface User {
    id: string
    tenantId: string
    name: string
    email: string
    role: 'rep' | 'manager' | 'admin'
    teamId: string | null
  }
  interface UserSession {
    /** ISO time of the sign-in (sessions end SESSION_MAX_AGE_SECONDS after it). */
    loggedInAt?: string
  }
  interface SecureSessionData {
    /** The user's session version at sign-in (server only): a bump ends the session. */
    sessionVersion?: number
    /** The session's row in user_sessions (server only): ended there, the session is refused. */
    sessionId?: string
  }
}

export {}
