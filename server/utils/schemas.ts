import { z } from 'zod'

export const EmailSchema = z.email('a valid email address').max(320).transform(s => s.toLowerCase())
export const PasswordSchema = z.string().min(10, 'at least 10 characters').max(200)
export const NameSchema = z.string().trim().min(1, 'required').max(200)
export const IdParamsSchema = z.object({ id: z.uuid('not a valid id') })
export const RoleSchema = z.enum(['rep', 'manager', 'admin'])
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
})
