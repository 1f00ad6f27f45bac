import AssignmentEditor, {
  ASSIGNMENT_EDITOR_LABELS,
  type AssignmentDraft,
  type AssignmentEditorLabels,
} from "@/islands/AssignmentEditor.tsx";
import SubmitWork, { SUBMIT_WORK_LABELS, type SubmitWorkLabels } from "@/islands/SubmitWork.tsx";
import type { State } from "@/services/web/define.ts";
import { acceptFor } from "./Coursework.tsx";

/** The assignment editor island with its strings in the page's language. */
export function AssignmentForm(
  { state, classId, assignment, defaultDue, timeZone }: {
    state: State;
    classId: string;
    assignment?: AssignmentDraft;
    defaultDue: { date: string; time: string };
    timeZone: string;
  },
) {
  const { t } = state;
  // Islands cannot translate: they get their strings in this page's language.
  const labels = Object.fromEntries(
    ASSIGNMENT_EDITOR_LABELS.map((k) => [k, t(`coursework.editor.${k}` as const)]),
  ) as AssignmentEditorLabels;
  return (
    <AssignmentEditor
      classId={classId}
      assignment={assignment}
      defaultDue={defaultDue}
      timeZone={timeZone}
      maxBytes={state.config.upload.maxBytes}
      accept={acceptFor(state.config.upload.types)}
      labels={labels}
    />
  );
}

/** The island a student turns work in with, with its strings in the page's language. */
export function SubmitWorkForm(
  { state, classId, assignmentId, resubmit, late }: {
    state: State;
    classId: string;
    assignmentId: string;
    resubmit: boolean;
    late: boolean;
  },
) {
  const { t } = state;
  const labels = Object.fromEntries(
    SUBMIT_WORK_LABELS.map((k) => [k, t(`coursework.submit.${k}` as const)]),
  ) as SubmitWorkLabels;
  return (
    <SubmitWork
      assignmentId={assignmentId}
      classId={classId}
      maxBytes={state.config.upload.maxBytes}
      accept={acceptFor(state.config.upload.types)}
      resubmit={resubmit}
      late={late}
      labels={labels}
    />
  );
}
