declare module '#auth-utils' {
  interface User {
    id: string
    tenantId: string
    name: string
    email: string
    role: 'rep' | 'manager' | 'admin'
    teamId: string | null
  }
}

export {}
