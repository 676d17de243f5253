import { randomBytes } from 'node:crypto'

/** Answers are loosely typed JSON: the tests assert their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface Answer<T = Json> {
  status: number
  body: T
  headers: Headers
}

/** A small HTTP client for the API tests, with a cookie jar of one session. */
export class Client {
  private cookies = new Map<string, string>()

  constructor(
    readonly baseURL: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request<T = Json>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const response = await fetch(`${this.baseURL}${path}`, {
      method,
      headers: {
        // As a browser does on every write: the CSRF check wants it with the session cookie.
        origin: this.baseURL,
        ...this.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = pair!.split('=')
      if (value.join('=') === '' || /max-age=0/i.test(line)) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value.join('='))
    }
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    }
    catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers }
  }

  /** A multipart/form-data POST: `file` as a CSV file, the other fields as given. */
  async upload<T = Json>(
    path: string,
    fields: Record<string, string>,
    file?: { name: string, content: string | Blob },
  ): Promise<Answer<T>> {
    const form = new FormData()
    for (const [key, value] of Object.entries(fields)) form.append(key, value)
    if (file)
      form.append('file', typeof file.content === 'string' ? new Blob([file.content], { type: 'text/csv' }) : file.content, file.name)
    const response = await fetch(`${this.baseURL}${path}`, {
      method: 'POST',
      headers: {
        origin: this.baseURL,
        ...this.headers,
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      },
      body: form,
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    }
    catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers }
  }

  /** The session cookie as a request header (for streams read with fetch directly). */
  cookieHeader = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')

  get = <T = Json>(path: string) => this.request<T>('GET', path)
  post = <T = Json>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {})
  patch = <T = Json>(path: string, body: unknown) => this.request<T>('PATCH', path, body)
  delete = <T = Json>(path: string) => this.request<T>('DELETE', path)

  async login(email: string, password: string) {
    const answer = await this.post('/api/auth/login', { email, password })
    if (answer.status !== 200) throw new Error(`login ${email}: ${answer.status} ${JSON.stringify(answer.body)}`)
    return this
  }
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`

/** Signs up a new tenant and answers its admin's client. */
export async function signUp(baseURL: string, orgName = unique('org')) {
  const client = new Client(baseURL)
  const email = `${unique('admin')}@${orgName.toLowerCase()}.test`
  const answer = await client.post('/api/auth/signup', { orgName, name: 'Admin', email, password: 'a-good-password' })
  if (answer.status !== 201) throw new Error(`signup: ${answer.status} ${JSON.stringify(answer.body)}`)
  return { client, email, password: 'a-good-password', user: answer.body.user, tenant: answer.body.tenant }
}
