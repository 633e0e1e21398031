// How a status looks everywhere in the dashboard: a PatternFly label with colour and icon.
import { Label } from '@patternfly/react-core';
import CheckCircleIcon from '@patternfly/react-icons/dist/esm/icons/check-circle-icon';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import InProgressIcon from '@patternfly/react-icons/dist/esm/icons/in-progress-icon';
import PendingIcon from '@patternfly/react-icons/dist/esm/icons/pending-icon';
import BanIcon from '@patternfly/react-icons/dist/esm/icons/ban-icon';
import AngleDoubleRightIcon from '@patternfly/react-icons/dist/esm/icons/angle-double-right-icon';
import type { Status } from './api';

type Color = 'green' | 'red' | 'blue' | 'grey' | 'orange' | 'purple';

export const STATUS_LOOK: Record<Status, { color: Color; fill: string; icon: React.ReactNode }> = {
  success: { color: 'green', fill: '#3e8635', icon: <CheckCircleIcon /> },
  failure: { color: 'red', fill: '#c9190b', icon: <ExclamationCircleIcon /> },
  error: { color: 'orange', fill: '#ec7a08', icon: <ExclamationCircleIcon /> },
  running: { color: 'blue', fill: '#0066cc', icon: <InProgressIcon /> },
  queued: { color: 'blue', fill: '#73bcf7', icon: <PendingIcon /> },
  pending: { color: 'grey', fill: '#8a8d90', icon: <PendingIcon /> },
  skipped: { color: 'grey', fill: '#b8bbbe', icon: <AngleDoubleRightIcon /> },
  cancelled: { color: 'purple', fill: '#5752d1', icon: <BanIcon /> },
};

export function StatusLabel({ status, compact }: { status: Status; compact?: boolean }) {
  const look = STATUS_LOOK[status] ?? STATUS_LOOK.pending;
  return (
    <Label color={look.color} icon={look.icon} isCompact={compact}>
      {status}
    </Label>
  );
}

export const isRunning = (status: Status) => status === 'pending' || status === 'queued' || status === 'running';

export const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
