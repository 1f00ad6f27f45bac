/**
 * Server rendering with Preact, and islands: a component from `islands/` rendered on the
 * server is wrapped in `<mirae-island data-island="Name" data-props="{json}">`, and the boot
 * script (see islands.ts) hydrates each one in the browser from those serialized props.
 * Islands take JSON-serializable props only (no children, no functions) and do not nest.
 * @module
 */
import { type ComponentType, h, options, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const islandNames = new Map<AnyComponent, string>();
/** Islands used by the render in progress (renderToString is synchronous, so one at a time). */
let used: Set<string> | null = null;
/** Set while the wrapper creates the real island vnode, so the hook does not wrap it again. */
let creatingInner = false;
let hooked = false;

function IslandWrapper(
  { name, component, props }: { name: string; component: AnyComponent; props: object },
) {
  used?.add(name);
  creatingInner = true;
  const inner = h(component, props);
  creatingInner = false;
  return h("mirae-island", { "data-island": name, "data-props": JSON.stringify(props) }, inner);
}

/** Marks components as islands. Safe to call more than once. */
export function registerIslands(islands: Record<string, AnyComponent>): void {
  for (const [name, component] of Object.entries(islands)) islandNames.set(component, name);
  if (hooked) return;
  hooked = true;
  const previous = options.vnode;
  options.vnode = (vnode: VNode) => {
    const name = typeof vnode.type === "function" ? islandNames.get(vnode.type) : undefined;
    if (name && !creatingInner) {
      const { children: _children, ...props } = vnode.props as Record<string, unknown>;
      (vnode as { props: unknown }).props = { name, component: vnode.type, props };
      vnode.type = IslandWrapper as AnyComponent;
    }
    previous?.(vnode);
  };
}

/**
 * Renders a full HTML document. `bootScript` (a function, so the island bundle is built only
 * when a page uses an island) gives the URL of the hydration script.
 */
export async function renderDocument(
  root: VNode,
  bootScript: () => Promise<string>,
): Promise<string> {
  const islands = new Set<string>();
  used = islands;
  let html: string;
  try {
    html = renderToString(root);
  } finally {
    used = null;
  }
  const hasIslands = islands.size > 0;
  if (hasIslands) {
    const tag = `<script type="module" src="${await bootScript()}"></script>`;
    html = html.includes("</body>") ? html.replace("</body>", `${tag}</body>`) : html + tag;
  }
  return `<!DOCTYPE html>${html}`;
}
