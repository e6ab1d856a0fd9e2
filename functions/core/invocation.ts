/**
 * What runs before each invocation's work, whatever the trigger (an API request, a queue message,
 * a stream batch, a schedule): the platform registers its checks here (is the deployment in force
 * still the newest?) so that the edge pipeline and the workers need not know what they are.
 */
type Hook = () => Promise<void>;
const hooks: Hook[] = [];

export function beforeEachInvocation(hook: Hook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

export async function prepareInvocation(): Promise<void> {
  for (const hook of hooks) await hook();
}
