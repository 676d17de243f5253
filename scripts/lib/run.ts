import { DatabaseConfigError } from '../../db/client'
import { DatabaseLockedError } from '../../db/lock'

/** Runs a command-line script; a configuration or lock problem prints one clear line, not a stack. */
export async function runScript(main: () => Promise<void>) {
  try {
    await main()
  }
  catch (error) {
    if (error instanceof DatabaseLockedError || error instanceof DatabaseConfigError) {
      console.error(`error: ${error.message}`)
      process.exit(1)
    }
    throw error
  }
}
