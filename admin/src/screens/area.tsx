/** An area whose screens are not built yet, the home screen, and the "not for your role" / 404 screens. */
import type { Area } from '../areas.js';
import { EmptyArea } from '../components/common.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';

export function PendingArea(props: { area: Area }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t(props.area.label)}</h1>
      <EmptyArea title={t(props.area.label)} docsTag={props.area.docsTag} />
    </>
  );
}

export function NotAllowed() {
  const { t } = useI18n();
  const { role } = useSession();
  return (<><h1>{t('notAllowed.title')}</h1><p>{t('notAllowed.body', { role: t(`role.${role}`) })}</p></>);
}

export function NotFound() {
  const { t } = useI18n();
  return (<><h1>{t('notFound.title')}</h1><p>{t('error.notFound')}</p></>);
}
