import ClassStream, {
  CLASS_STREAM_LABELS,
  CLASS_STREAM_UPLOAD_LABELS,
  type ClassStreamLabels,
} from "@/islands/ClassStream.tsx";
import type { ClassRole } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import type { StreamPins } from "@/services/stream/pins.ts";
import type { PostPage } from "@/services/stream/posts.ts";
import type { State } from "@/services/web/define.ts";
import { acceptFor, formatWhen, intlLocale } from "./Coursework.tsx";

/** What the class page gives the stream. */
export interface ClassStreamData {
  pins: StreamPins;
  page: PostPage;
  commentsOffDefault: boolean;
}

/** The pinned strip: the next lecture, and the work due (students) or to grade (teachers). */
function Pins({ state, cls, role, pins }: {
  state: State;
  cls: Class;
  role: ClassRole;
  pins: StreamPins;
}) {
  const { t } = state;
  const l = pins.lecture;
  return (
    <section class="card stream-pins" aria-labelledby="stream-pins-title">
      <h2 id="stream-pins-title">{t("stream.pins.title")}</h2>
      <div class="stream-pin">
        {!l && <p class="muted">{t("stream.pins.noLecture")}</p>}
        {l?.status === "live" && (
          <p class="row">
            <strong>{t("stream.pins.live", { title: l.title })}</strong>
            <a class="button primary" href={`/lectures/${l.id}`}>{t("stream.pins.join")}</a>
          </p>
        )}
        {l?.status === "scheduled" && (
          <p>
            <a href={`/lectures/${l.id}`}>{t("stream.pins.next", { title: l.title })}</a>{" "}
            <time datetime={l.startsAt}>{formatWhen(state, l.startsAt, pins.timeZone)}</time>
          </p>
        )}
      </div>
      {role === "student"
        ? (
          <div class="stream-pin">
            <h3>{t("stream.pins.due")}</h3>
            {pins.due.length === 0
              ? <p class="muted">{t("stream.pins.noDue")}</p>
              : (
                <ul class="stream-due">
                  {pins.due.map((a) => (
                    <li key={a.id}>
                      <a href={`/classes/${cls.id}/assignments/${a.id}`}>{a.title}</a>{" "}
                      <time class="muted" datetime={a.dueAt}>
                        {t("stream.pins.dueAt", {
                          time: formatWhen(state, a.dueAt, pins.timeZone),
                        })}
                      </time>{" "}
                      {a.myStatus && (
                        <span class={`badge status-${a.myStatus}`}>
                          {t(`coursework.status.${a.myStatus}`)}
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
          </div>
        )
        : (
          <p class="stream-pin">
            <a href={`/classes/${cls.id}/assignments`}>
              {t("stream.pins.toGrade", { count: pins.toGrade ?? 0 })}
            </a>
          </p>
        )}
    </section>
  );
}

/** The class stream: the pinned strip, then the announcements island. */
export function ClassStreamSection({ state, cls, role, data }: {
  state: State;
  cls: Class;
  role: ClassRole;
  data: ClassStreamData;
}) {
  const { t } = state;
  // Islands cannot translate: they get their strings in this page's language.
  const labels = Object.fromEntries([
    ...CLASS_STREAM_LABELS.map((k) => [k, t(`stream.island.${k}` as const)]),
    ...CLASS_STREAM_UPLOAD_LABELS.map((k) => [k, t(`coursework.editor.${k}` as const)]),
  ]) as ClassStreamLabels;
  return (
    <section class="class-stream" aria-labelledby="stream-title">
      <h2 id="stream-title" class="sr-only">{t("stream.title")}</h2>
      <Pins state={state} cls={cls} role={role} pins={data.pins} />
      <ClassStream
        classId={cls.id}
        canPost={role !== "student" && !cls.archived}
        commentsOffDefault={data.commentsOffDefault}
        page={data.page}
        timeZone={data.pins.timeZone}
        locale={intlLocale(state)}
        maxBytes={state.config.upload.maxBytes}
        accept={acceptFor(state.config.upload.types)}
        labels={labels}
      />
    </section>
  );
}
