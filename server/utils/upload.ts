import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import type { H3Event } from 'h3'
import { UPLOAD_DIR, uploadPathOf } from '../domain/imports/sweep'
import { badRequest } from '../domain/core/errors'

export interface Upload {
  /** The file as received, on local disk: the caller removes it (`discard`). */
  path: string
  fileName: string
  fields: Record<string, string>
  discard: () => Promise<void>
  /** Names the file for the import it now belongs to (the start-up sweep removes a dead import's upload by it). */
  claim: (importId: string) => Promise<void>
}

/**
 * Receives a multipart/form-data request with one file, streaming the file to a temporary file
 * (never holding it in memory). 400 without the file, 413 past `maxBytes`.
 */
export async function receiveUpload(event: H3Event, options: { field: string, maxBytes: number }): Promise<Upload> {
  const type = getRequestHeader(event, 'content-type') ?? ''
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw badRequest(options.field, 'send multipart/form-data with the file in this field')
  }
  const dir = UPLOAD_DIR
  await mkdir(dir, { recursive: true })
  let path = join(dir, `${randomUUID()}.tmp`)
  const discard = () => rm(path, { force: true })
  const fields: Record<string, string> = {}
  let fileName: string | null = null
  let tooLarge = false
  let written: Promise<void> | null = null
  try {
    const parser = busboy({
      headers: event.node.req.headers,
      limits: { files: 1, fields: 20, fieldSize: 1024 * 1024, fileSize: options.maxBytes },
    })
    parser.on('field', (name, value) => {
      fields[name] = value
    })
    parser.on('file', (name, stream, info) => {
      if (name !== options.field || written) {
        stream.resume()
        return
      }
      fileName = info.filename || 'upload.csv'
      stream.on('limit', () => {
        tooLarge = true
      })
      written = pipeline(stream, createWriteStream(path))
    })
    await pipeline(event.node.req, parser)
    await written
  }
  catch (error) {
    await discard()
    if (tooLarge)
      throw createError({ statusCode: 413, statusMessage: `the file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB` })
    throw badRequest(options.field, `unreadable upload: ${(error as Error).message}`)
  }
  if (tooLarge) {
    await discard()
    throw createError({ statusCode: 413, statusMessage: `the file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB` })
  }
  if (!fileName) {
    await discard()
    throw badRequest(options.field, 'required: a CSV file')
  }
  const upload: Upload = {
    path, fileName, fields, discard,
    claim: async (importId) => {
      const claimed = uploadPathOf(importId, dir)
      await rename(path, claimed)
      path = claimed
      upload.path = claimed
    },
  }
  return upload
}
