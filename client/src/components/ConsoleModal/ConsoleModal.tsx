import type { ReactNode } from 'react';
import { Modal, type ModalRootProps } from '@mantine/core';

interface ConsoleModalProps extends Pick<ModalRootProps, 'opened' | 'onClose' | 'size' | 'closeOnClickOutside' | 'centered'> {
  title: string;
  children: ReactNode;
}

/**
 * Mantine's Modal, with two accessibility fixes axe-core asks for: its header is a <header>,
 * which inside a dialog is a second "banner" landmark beside the page's own; and its close button
 * has no name.
 */
export function ConsoleModal({ title, children, ...props }: ConsoleModalProps) {
  return (
    <Modal.Root {...props}>
      <Modal.Overlay />
      <Modal.Content>
        <Modal.Header component="div">
          <Modal.Title>{title}</Modal.Title>
          <Modal.CloseButton aria-label="Close dialog" />
        </Modal.Header>
        <Modal.Body>{children}</Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
