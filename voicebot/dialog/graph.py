"""The dialog as a graph of states: where each state can lead, what is reachable, which steps
always leave a state. Pure functions over a validated DialogSpec."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from voicebot.dialog.schema import ActionSpec, DialogSpec


def all_actions(actions: list[ActionSpec]) -> Iterator[ActionSpec]:
    """Every step, including those nested in if/then/else."""
    for action in actions:
        yield action
        yield from all_actions(action.then)
        yield from all_actions(action.else_)


def _action_targets(actions: Iterable[ActionSpec]) -> list[str | None]:
    return [a.goto for a in actions if a.goto]


def terminates(actions: list[ActionSpec]) -> bool:
    """True when running these steps always leaves the state (goto, transfer or hangup)."""
    for action in actions:
        if action.verb in ("goto", "transfer", "hangup"):
            return True
        if action.verb == "if" and terminates(action.then) and terminates(action.else_):
            return True
    return False


def state_edges(spec: DialogSpec, name: str) -> list[str]:
    """States that `name` can lead to: transitions, gotos, and the fallbacks of its retries,
    slots and webhooks."""
    state = spec.states[name]
    transitions = [*state.expect.values(), *state.dtmf.values(), *state.next]
    targets: list[str | None] = [t.goto for t in transitions]
    actions = list(all_actions(state.do))
    actions += [a for t in transitions for a in all_actions(t.do)]
    targets += _action_targets(actions)
    for policy in (state.no_input, state.no_match):
        targets.append(policy.fallback if policy else None)
    hooks = [a.webhook for a in actions if a.webhook]
    for slot_name in state.collect:
        slot = spec.slots.get(slot_name)
        if slot:
            targets.append(slot.fallback)
            hooks.append(slot.webhook)
    for hook_name in hooks:
        hook = spec.webhooks.get(hook_name or "")
        targets.append(hook.on_error if hook else None)
    return [t for t in targets if t]


def reachable_states(spec: DialogSpec) -> set[str]:
    """States reachable from the start; global intents and dialog fallbacks count from anywhere."""
    roots = [spec.start, spec.fallback]
    roots += [t.goto for t in spec.global_.values()]
    roots += _action_targets(a for t in spec.global_.values() for a in all_actions(t.do))
    roots += [spec.no_input.fallback, spec.no_match.fallback]
    seen: set[str] = set()
    todo = [r for r in roots if r]
    while todo:
        name = todo.pop()
        if name in seen or name not in spec.states:
            continue
        seen.add(name)
        todo += state_edges(spec, name)
    return seen


def _waits(spec: DialogSpec, name: str) -> bool:
    state = spec.states[name]
    return bool(state.expect or state.dtmf)  # collect waits only while its slots are empty


def silent_cycles(spec: DialogSpec) -> list[list[str]]:
    """Loops of states that never wait for the caller (each loop once, from its first state in
    file order): at run time such a loop goes round until the hop limit and fails the call."""
    order = {name: i for i, name in enumerate(spec.states)}
    edges: dict[str, list[str]] = {}
    for name, state in spec.states.items():
        if _waits(spec, name):
            continue
        targets = [t.goto for t in state.next] + _action_targets(all_actions(state.do))
        targets += _action_targets(a for t in state.next for a in all_actions(t.do))
        edges[name] = [
            t for t in dict.fromkeys(targets) if t in spec.states and not _waits(spec, t)
        ]
    cycles: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()

    def walk(path: list[str]) -> None:
        for target in edges.get(path[-1], []):
            if target in path:
                cycle = path[path.index(target) :]
                first = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                canonical = tuple(cycle[first:] + cycle[:first])
                if canonical not in seen:
                    seen.add(canonical)
                    cycles.append(list(canonical))
            else:
                walk([*path, target])

    for name in edges:
        walk([name])
    return cycles


def edges_not_taken(spec: DialogSpec, paths: Iterable[list[str]]) -> list[tuple[str, str]]:
    """The edges of the dialog's graph (`state_edges`) that none of `paths` went along; a path is
    the states one call entered, in order (YamlDialogSession.path). For tests that claim to cover
    every path, and for finding the branches real callers never take."""
    taken = {(a, b) for path in paths for a, b in zip(path, path[1:], strict=False)}
    edges = {(name, target) for name in spec.states for target in state_edges(spec, name)}
    return sorted(edges - taken)
